variable "name" {
  type        = string
  description = "Name prefix, e.g. orthoscan-prod."
}

variable "environment" {
  type        = string
  description = "Environment name (metric dimension Environment)."
}

variable "logs_kms_key_arn" {
  type        = string
  description = "KMS key of the alarm topic (its policy lets CloudWatch alarms use it)."
}

variable "alarm_email" {
  type        = string
  description = "Optional e-mail subscribed to the alarm topic (confirmation needed). Alarms carry no PHI."
  default     = null
}

variable "alb_arn_suffix" {
  type        = string
  description = "ALB ARN suffix."
}

variable "target_group_arn_suffix" {
  type        = string
  description = "API target group ARN suffix."
}

variable "worker_otel_service_name" {
  type        = string
  description = "Service dimension of the worker's job metrics."
}

variable "db_instance_identifier" {
  type        = string
  description = "RDS instance identifier."
}

variable "cache_replication_group_id" {
  type        = string
  description = "ElastiCache replication group ID."
}

variable "cache_node_count" {
  type        = number
  description = "Number of cache nodes (one CPU and memory alarm per node)."
}

variable "cluster_name" {
  type        = string
  description = "ECS cluster name."
}

variable "ecs_service_names" {
  type        = map(string)
  description = "ECS services to watch for missing tasks, e.g. { api = \"orthoscan-prod-api\" }."
}

variable "alb_5xx_rate_percent" {
  type        = number
  description = "Alarm when target 5xx responses exceed this share of requests (%)."
  default     = 1
}

variable "p99_response_seconds" {
  type        = number
  description = "Alarm when the p99 target response time exceeds this many seconds."
  default     = 1
}

variable "oldest_job_age_seconds" {
  type        = number
  description = "Alarm when the oldest queued job is older than this many seconds."
  default     = 300
}

variable "db_free_storage_bytes" {
  type        = number
  description = "Alarm when free RDS storage drops below this many bytes (storage autoscaling should act first)."
  default     = 10737418240
}
