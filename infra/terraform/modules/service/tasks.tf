# Task definitions: one image, three roles (api, worker, migrate) chosen by the command; the entrypoint is the image's.

locals {
  image = "${aws_ecr_repository.this.repository_url}:${var.image_tag}"

  common_environment = {
    ASPNETCORE_HTTP_PORTS                   = "8080"
    ASPNETCORE_ENVIRONMENT                  = "Production"
    OrthoScan__Storage__Provider            = "s3"
    OrthoScan__Storage__Bucket              = var.images_bucket
    OrthoScan__Storage__Region              = var.region
    OrthoScan__Storage__KmsKeyId            = var.data_kms_key_arn
    OrthoScan__Storage__KeyProvider         = "kms"
    OrthoScan__Web__ImageOrigins            = var.images_bucket_origin
    OrthoScan__Web__AppOrigins              = var.app_origin
    OrthoScan__Audit__Archive__Bucket       = var.audit_archive_bucket
    OrthoScan__Notifications__DashboardUrl  = var.app_origin
    OrthoScan__Notifications__PatientAppUrl = "${var.app_origin}/app"
    OTEL_EXPORTER_OTLP_ENDPOINT             = "http://127.0.0.1:4317"
    OTEL_RESOURCE_ATTRIBUTES                = "deployment.environment=${var.environment}"
  }

  # Secret environment variables of the api and worker: name => Secrets Manager ARN.
  app_secrets = merge(
    {
      ConnectionStrings__App   = var.app_connection_secret_arn
      ConnectionStrings__Redis = var.redis_connection_secret_arn
    },
    { for name, secret in aws_secretsmanager_secret.operator : name => secret.arn },
  )

  # The migration owns the schema and sets the app role's password; it gets nothing else.
  migrate_secrets = {
    ConnectionStrings__Owner             = var.owner_connection_secret_arn
    OrthoScan__Database__AppRolePassword = var.app_role_password_secret_arn
  }

  collector = {
    name                   = "otel-collector"
    image                  = var.otel_collector_image
    essential              = false # losing telemetry must not take the API down; the task-count alarm still fires
    readonlyRootFilesystem = true
    cpu                    = 64
    memoryReservation      = 128
    secrets                = [{ name = "AOT_CONFIG_CONTENT", valueFrom = aws_ssm_parameter.collector_config.arn }]
  }

  tmp_mount = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
}

# otlp (gRPC on localhost) -> awsemf: metrics in namespace OrthoScan with the dimensions Environment and Service, which
# the alarms and the worker's autoscaling query. Traces go to X-Ray, and the audit trail's log records to the audit log
# group (six years).
resource "aws_ssm_parameter" "collector_config" {
  name = "/orthoscan/${var.environment}/otel-collector-config"
  type = "String"
  value = yamlencode({
    receivers = {
      otlp = { protocols = { grpc = { endpoint = "127.0.0.1:4317" }, http = { endpoint = "127.0.0.1:4318" } } }
    }
    processors = {
      batch = {}
      resource = {
        attributes = [
          { key = "Environment", value = var.environment, action = "upsert" },
          { key = "Service", from_attribute = "service.name", action = "upsert" },
        ]
      }
    }
    exporters = {
      awsemf = {
        namespace                        = "OrthoScan"
        region                           = var.region
        log_group_name                   = aws_cloudwatch_log_group.metrics.name
        log_stream_name                  = "{TaskId}"
        dimension_rollup_option          = "NoDimensionRollup"
        resource_to_telemetry_conversion = { enabled = true }
        metric_declarations = [{
          dimensions            = [["Environment", "Service"]]
          metric_name_selectors = ["^orthoscan\\."]
        }]
      }
      awsxray = { region = var.region }
      # The sealed audit links (the app's OrthoScan.Audit.Trail records), the only logs sent over OTLP.
      awscloudwatchlogs = {
        region          = var.region
        log_group_name  = aws_cloudwatch_log_group.audit.name
        log_stream_name = "sealed-links"
      }
    }
    service = {
      pipelines = {
        metrics = { receivers = ["otlp"], processors = ["resource", "batch"], exporters = ["awsemf"] }
        traces  = { receivers = ["otlp"], processors = ["batch"], exporters = ["awsxray"] }
        logs    = { receivers = ["otlp"], processors = ["batch"], exporters = ["awscloudwatchlogs"] }
      }
    }
  })
}

resource "aws_ecs_task_definition" "api" {
  family                   = "${var.name}-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.api_cpu
  memory                   = var.api_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # No host path: Fargate task storage, writable while the root filesystem is read-only.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = "app"
      image                  = local.image
      essential              = true
      command                = ["--role", "api"]
      user                   = "app"
      readonlyRootFilesystem = true
      portMappings           = [{ containerPort = 8080, protocol = "tcp" }]
      environment            = [for k, v in merge(local.common_environment, { OTEL_SERVICE_NAME = local.api_service_name }) : { name = k, value = v }]
      secrets                = [for k, arn in local.app_secrets : { name = k, valueFrom = arn }]
      mountPoints            = local.tmp_mount
      stopTimeout            = 30
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service["api"].name
          awslogs-region        = var.region
          awslogs-stream-prefix = "api"
        }
      }
    },
    merge(local.collector, {
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service["api"].name
          awslogs-region        = var.region
          awslogs-stream-prefix = "otel"
        }
      }
    }),
  ])
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "${var.name}-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.worker_cpu
  memory                   = var.worker_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = "app"
      image                  = local.image
      essential              = true
      command                = ["--role", "worker"]
      user                   = "app"
      readonlyRootFilesystem = true
      environment            = [for k, v in merge(local.common_environment, { OTEL_SERVICE_NAME = local.worker_service_name }) : { name = k, value = v }]
      secrets                = [for k, arn in local.app_secrets : { name = k, valueFrom = arn }]
      mountPoints            = local.tmp_mount
      # A job in flight gets time to finish or be released back to the queue (Spot gives two minutes).
      stopTimeout = 120
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service["worker"].name
          awslogs-region        = var.region
          awslogs-stream-prefix = "worker"
        }
      }
    },
    merge(local.collector, {
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service["worker"].name
          awslogs-region        = var.region
          awslogs-stream-prefix = "otel"
        }
      }
    }),
  ])
}

# Run one-off by the deploy workflow (aws ecs run-task) before the services roll, with the task security group and
# private subnets from the stack outputs. No task role: the migration talks only to PostgreSQL.
resource "aws_ecs_task_definition" "migrate" {
  family                   = "${var.name}-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.migrate_execution.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = "app"
      image                  = local.image
      essential              = true
      command                = ["migrate"]
      user                   = "app"
      readonlyRootFilesystem = true
      environment = [for k, v in {
        ASPNETCORE_ENVIRONMENT = "Production"
        OTEL_SERVICE_NAME      = "orthoscan-migrate"
      } : { name = k, value = v }]
      secrets     = [for k, arn in local.migrate_secrets : { name = k, valueFrom = arn }]
      mountPoints = local.tmp_mount
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service["migrate"].name
          awslogs-region        = var.region
          awslogs-stream-prefix = "migrate"
        }
      }
    },
  ])
}
