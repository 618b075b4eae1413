variable "environment" {
  type        = string
  description = "Environment name."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the stack (the provider's region)."
}

# --- Network -----------------------------------------------------------------------------------------------------------

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the VPC."
  default     = "10.40.0.0/16"
}

variable "az_count" {
  type        = number
  description = "Availability zones used."
  default     = 2
}

variable "nat_gateway_per_az" {
  type        = bool
  description = "One NAT gateway per AZ (prod) or a single one (dev, staging)."
}

# --- Domains and certificates --------------------------------------------------------------------------------------------

variable "domain_name" {
  type        = string
  description = "Public host name of the dashboard, patient app (/app) and API (CloudFront alias), e.g. app.orthoscan.eu."
}

variable "origin_domain_name" {
  type        = string
  description = "Host name CloudFront connects to: a DNS alias to the ALB, covered by alb_certificate_arn."
}

variable "alb_certificate_arn" {
  type        = string
  description = "ACM certificate in the stack's region for origin_domain_name."
}

variable "cloudfront_certificate_arn" {
  type        = string
  description = "ACM certificate in us-east-1 for domain_name."
}

variable "waf_web_acl_arn" {
  type        = string
  description = "Optional WAFv2 web ACL (CLOUDFRONT scope) in front of the distribution."
  default     = null
}

# --- Service ---------------------------------------------------------------------------------------------------------------

variable "image_tag" {
  type        = string
  description = "Image tag of the first task definitions; later releases are registered by the deploy workflow."
}

variable "github_repository" {
  type        = string
  description = "owner/name of the GitHub repository whose deploy workflow may assume the deploy role."
}

variable "create_github_oidc_provider" {
  type        = bool
  description = "Create the account's OIDC provider for GitHub Actions (one per account: true in the first environment applied to an account, false in the others)."
  default     = true
}

variable "api_cpu" {
  type        = number
  description = "API task CPU units."
}

variable "api_memory" {
  type        = number
  description = "API task memory (MiB)."
}

variable "api_desired_count" {
  type        = number
  description = "API tasks at creation."
}

variable "api_min_count" {
  type        = number
  description = "Minimum API tasks."
}

variable "api_max_count" {
  type        = number
  description = "Maximum API tasks."
}

variable "worker_cpu" {
  type        = number
  description = "Worker task CPU units."
}

variable "worker_memory" {
  type        = number
  description = "Worker task memory (MiB)."
}

variable "worker_min_count" {
  type        = number
  description = "Minimum worker tasks."
}

variable "worker_max_count" {
  type        = number
  description = "Maximum worker tasks."
}

variable "worker_use_fargate_spot" {
  type        = bool
  description = "Run the worker on Fargate Spot."
  default     = false
}

variable "alb_deletion_protection" {
  type        = bool
  description = "Refuse to delete the ALB."
  default     = true
}

# --- Database ----------------------------------------------------------------------------------------------------------------

variable "db_engine_version" {
  type        = string
  description = "PostgreSQL 16 minor version."
  default     = "16.6"
}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
}

variable "db_multi_az" {
  type        = bool
  description = "RDS Multi-AZ standby."
}

variable "db_allocated_storage" {
  type        = number
  description = "Initial RDS storage (GB, gp3)."
}

variable "db_max_allocated_storage" {
  type        = number
  description = "RDS storage autoscaling ceiling (GB)."
}

variable "db_backup_retention_days" {
  type        = number
  description = "RDS automated backup retention (days)."
}

variable "db_deletion_protection" {
  type        = bool
  description = "RDS deletion protection (a final snapshot is taken when on)."
}

variable "db_performance_insights_enabled" {
  type        = bool
  description = "RDS Performance Insights."
  default     = true
}

# --- Cache -------------------------------------------------------------------------------------------------------------------

variable "cache_node_type" {
  type        = string
  description = "ElastiCache node type."
}

variable "cache_num_nodes" {
  type        = number
  description = "ElastiCache nodes (primary + replicas)."
}

variable "cache_multi_az" {
  type        = bool
  description = "ElastiCache Multi-AZ with automatic failover (needs two nodes)."
}

variable "cache_snapshot_retention_days" {
  type        = number
  description = "ElastiCache snapshot retention (days)."
  default     = 1
}

# --- Logs, secrets, alarms ------------------------------------------------------------------------------------------------

variable "log_retention_days" {
  type        = number
  description = "Retention of application, flow and database log groups (days)."
  default     = 90
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Recovery window of deleted secrets (0 only in dev)."
  default     = 30
}

variable "force_destroy_buckets" {
  type        = bool
  description = "Allow destroying non-empty images and log buckets (dev only). The audit archive is never force-destroyed."
  default     = false
}

variable "alarm_email" {
  type        = string
  description = "Optional e-mail for the alarm topic."
  default     = null
}
