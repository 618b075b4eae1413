variable "name" {
  type        = string
  description = "Name prefix, e.g. orthoscan-prod (cluster, ALB, ECR repository, roles)."
}

variable "environment" {
  type        = string
  description = "Environment name (dev, staging, prod): log group paths, metric dimension Environment, secret names."
}

variable "region" {
  type        = string
  description = "AWS region of the stack (awslogs driver, storage client)."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the ALB and the tasks."
}

variable "vpc_cidr" {
  type        = string
  description = "VPC CIDR: tasks may reach PostgreSQL and Redis only inside it."
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Public subnets of the ALB."
}

variable "app_subnet_ids" {
  type        = list(string)
  description = "Private subnets of the ECS tasks."
}

variable "data_kms_key_arn" {
  type        = string
  description = "Data key: ECR, operator secrets, S3 SSE-KMS and the app's envelope encryption (OrthoScan__Storage__KmsKeyId)."
}

variable "logs_kms_key_arn" {
  type        = string
  description = "Key of the CloudWatch log groups."
}

variable "audit_kms_key_arn" {
  type        = string
  description = "Key of the audit archive bucket (the tasks write sealed segments there)."
}

variable "images_bucket" {
  type        = string
  description = "Scan images bucket name."
}

variable "images_bucket_arn" {
  type        = string
  description = "Scan images bucket ARN."
}

variable "images_bucket_origin" {
  type        = string
  description = "Regional https origin of the images bucket (OrthoScan__Web__ImageOrigins)."
}

variable "audit_archive_bucket" {
  type        = string
  description = "Audit archive bucket name."
}

variable "audit_archive_bucket_arn" {
  type        = string
  description = "Audit archive bucket ARN."
}

variable "alb_logs_bucket" {
  type        = string
  description = "Bucket for ALB access logs (prefix alb/)."
}

variable "alb_certificate_arn" {
  type        = string
  description = "ACM certificate (in the stack's region) for the ALB HTTPS listener; must cover origin_domain_name."
}

variable "alb_deletion_protection" {
  type        = bool
  description = "Refuse to delete the ALB."
  default     = true
}

variable "origin_verify_header_name" {
  type        = string
  description = "Header CloudFront adds to origin requests; the ALB forwards only requests carrying it."
  default     = "X-Origin-Verify"
}

variable "origin_verify_header_value" {
  type        = string
  description = "Secret value of the origin header (from the edge module)."
  sensitive   = true
}

variable "app_origin" {
  type        = string
  description = "Public https origin of the dashboard and patient app (CloudFront), e.g. https://app.orthoscan.eu."
}

variable "image_tag" {
  type        = string
  description = "Tag of the API image in this stack's ECR repository (immutable tags: one per build)."

  validation {
    condition     = length(var.image_tag) > 0 && var.image_tag != "latest"
    error_message = "image_tag must be an immutable build tag, not empty or \"latest\"."
  }
}

variable "otel_collector_image" {
  type        = string
  description = "ADOT collector sidecar image (pin a version)."
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0"
}

variable "api_cpu" {
  type        = number
  description = "API task CPU units (512 = 0.5 vCPU), shared with the collector sidecar."
}

variable "api_memory" {
  type        = number
  description = "API task memory in MiB, shared with the collector sidecar."
}

variable "api_desired_count" {
  type        = number
  description = "API tasks at creation (autoscaling owns the count afterwards)."
}

variable "api_min_count" {
  type        = number
  description = "Minimum API tasks."

  validation {
    condition     = var.api_min_count >= 1
    error_message = "api_min_count must be at least 1."
  }
}

variable "api_max_count" {
  type        = number
  description = "Maximum API tasks."

  validation {
    condition     = var.api_max_count >= var.api_min_count
    error_message = "api_max_count must be >= api_min_count."
  }
}

variable "api_cpu_target" {
  type        = number
  description = "Target average CPU utilisation (%) of the API service."
  default     = 60
}

variable "api_requests_per_target" {
  type        = number
  description = "Target ALB requests per minute per API task."
  default     = 1000
}

variable "worker_cpu" {
  type        = number
  description = "Worker task CPU units, shared with the collector sidecar."
}

variable "worker_memory" {
  type        = number
  description = "Worker task memory in MiB, shared with the collector sidecar."
}

variable "worker_min_count" {
  type        = number
  description = "Minimum worker tasks (at least one: jobs are polled from PostgreSQL)."

  validation {
    condition     = var.worker_min_count >= 1
    error_message = "worker_min_count must be at least 1."
  }
}

variable "worker_max_count" {
  type        = number
  description = "Maximum worker tasks."

  validation {
    condition     = var.worker_max_count >= var.worker_min_count
    error_message = "worker_max_count must be >= worker_min_count."
  }
}

variable "worker_use_fargate_spot" {
  type        = bool
  description = "Run workers on Fargate Spot (about 70% cheaper; jobs are retried when a task is reclaimed). Non-prod."
  default     = false
}

variable "worker_queue_depth_per_task" {
  type        = number
  description = "Target queued jobs (orthoscan.jobs.queue_depth) per worker task."
  default     = 20
}

variable "worker_oldest_age_scale_out_seconds" {
  type        = number
  description = "Add a worker when the oldest queued job is older than this many seconds."
  default     = 300
}

variable "app_connection_secret_arn" {
  type        = string
  description = "Secret ConnectionStrings__App."
}

variable "redis_connection_secret_arn" {
  type        = string
  description = "Secret ConnectionStrings__Redis."
}

variable "owner_connection_secret_arn" {
  type        = string
  description = "Secret ConnectionStrings__Owner (migrate task only)."
}

variable "app_role_password_secret_arn" {
  type        = string
  description = "Secret OrthoScan__Database__AppRolePassword (migrate task only)."
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the api, worker, migrate and metrics log groups."
  default     = 90
}

variable "audit_log_retention_days" {
  type        = number
  description = "Retention of the audit log group (six years)."
  default     = 2192

  validation {
    condition     = var.audit_log_retention_days >= 2192
    error_message = "audit_log_retention_days must be at least 2192 (six years)."
  }
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted operator secret can be restored (0 deletes immediately; dev only)."
  default     = 30
}

variable "github_repository" {
  type        = string
  description = "owner/name of the GitHub repository whose deploy workflow may assume the deploy role."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, without wildcards."
  }
}

variable "github_oidc_provider_arn" {
  type        = string
  description = "ARN of the account's IAM OIDC provider for token.actions.githubusercontent.com."
}
