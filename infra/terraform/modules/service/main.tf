# ECR, the ECS cluster, the ALB and the two long-running services (api, worker). Task definitions are in tasks.tf,
# IAM in iam.tf, autoscaling in autoscaling.tf.

data "aws_caller_identity" "current" {}

locals {
  log_prefix          = "/orthoscan/${var.environment}"
  api_service_name    = "orthoscan-api"
  worker_service_name = "orthoscan-worker"
}

resource "aws_ecr_repository" "this" {
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.data_kms_key_arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last 100 images (rollbacks go back weeks, not months)"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 100 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Log groups
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "service" {
  for_each = toset(["api", "worker", "migrate"])

  name              = "${local.log_prefix}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# Audit events are kept as long as the audit archive (HIPAA: six years): every sealed link, written by the worker's
# collector (OrthoScan.Audit.Trail over OTLP, see tasks.tf).
resource "aws_cloudwatch_log_group" "audit" {
  name              = "${local.log_prefix}/audit"
  retention_in_days = var.audit_log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# Embedded-metric-format records written by the collector sidecar's awsemf exporter.
resource "aws_cloudwatch_log_group" "metrics" {
  name              = "${local.log_prefix}/metrics"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# ---------------------------------------------------------------------------------------------------------------------
# Security groups
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "ALB: HTTPS from the internet (CloudFront), to the API tasks"
  vpc_id      = var.vpc_id
}

# The only world-open rule of the stack. Requests without CloudFront's origin header get a 403 from the listener.
# Port 80 is not opened: CloudFront talks to the origin over HTTPS only.
resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "API tasks"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.task.id
}

resource "aws_security_group" "task" {
  name        = "${var.name}-task"
  description = "ECS tasks: 8080 from the ALB only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "task_from_alb" {
  security_group_id            = aws_security_group.task.id
  description                  = "HTTP from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.alb.id
}

# AWS APIs, ECR, public ECR (collector image) and third parties (Stripe, SendGrid, Twilio, FCM) are all HTTPS.
resource "aws_vpc_security_group_egress_rule" "task_https" {
  security_group_id = aws_security_group.task.id
  description       = "HTTPS to AWS APIs and third parties"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "task_data" {
  for_each = { postgres = 5432, redis = 6379 }

  security_group_id = aws_security_group.task.id
  description       = "${each.key} inside the VPC"
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.value
  cidr_ipv4         = var.vpc_cidr
}

# ---------------------------------------------------------------------------------------------------------------------
# Load balancer
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_lb" "this" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
  # SignalR hubs keep WebSockets open; the idle timeout only has to exceed the hub's keep-alive (15 s).
  idle_timeout = 60

  access_logs {
    bucket  = var.alb_logs_bucket
    prefix  = "alb"
    enabled = true
  }
}

resource "aws_lb_target_group" "api" {
  name                 = "${var.name}-api"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = "/health/ready"
    port                = "traffic-port"
    protocol            = "HTTP"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.alb_certificate_arn

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "Forbidden"
      status_code  = "403"
    }
  }
}

resource "aws_lb_listener_rule" "from_cloudfront" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  condition {
    http_header {
      http_header_name = var.origin_verify_header_name
      values           = [var.origin_verify_header_value]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_ecs_service" "api" {
  name             = "${var.name}-api"
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.api.arn
  desired_count    = var.api_desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.app_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "app"
    container_port   = 8080
  }

  lifecycle {
    # The deploy workflow registers each release's task definition and autoscaling sets the count: an apply must not
    # roll a service back to the image_tag it was planned with.
    ignore_changes = [desired_count, task_definition]
  }

  depends_on = [aws_lb_listener_rule.from_cloudfront]
}

resource "aws_ecs_service" "worker" {
  name             = "${var.name}-worker"
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.worker.arn
  desired_count    = var.worker_min_count
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  capacity_provider_strategy {
    capacity_provider = var.worker_use_fargate_spot ? "FARGATE_SPOT" : "FARGATE"
    weight            = 1
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.app_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }

  lifecycle {
    # The deploy workflow registers each release's task definition and autoscaling sets the count: an apply must not
    # roll a service back to the image_tag it was planned with.
    ignore_changes = [desired_count, task_definition]
  }

  depends_on = [aws_ecs_cluster_capacity_providers.this]
}

# ---------------------------------------------------------------------------------------------------------------------
# Application secrets Terraform does not know. Created empty; an operator puts the values before the first deploy
# (docs/operations.md): aws secretsmanager put-secret-value --secret-id orthoscan/<env>/<name> --secret-string ...
# ---------------------------------------------------------------------------------------------------------------------

locals {
  operator_secret_names = toset([
    "OrthoScan__Secrets__MasterKey",
    "OrthoScan__Auth__SigningKeyPem",
    "OrthoScan__Auth__PreviousSigningKeyPem",
    "OrthoScan__Billing__Stripe__SecretKey",
    "OrthoScan__Billing__Stripe__WebhookSecret",
    "OrthoScan__Notifications__SendGrid__ApiKey",
    "OrthoScan__Notifications__Twilio__AuthToken",
    "OrthoScan__Notifications__Fcm__PrivateKeyPem",
  ])
}

resource "aws_secretsmanager_secret" "operator" {
  for_each = local.operator_secret_names

  name                    = "orthoscan/${var.environment}/${each.key}"
  description             = "Set by an operator (not managed by Terraform): ${each.key}"
  kms_key_id              = var.data_kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}
