variable "name" {
  type        = string
  description = "Name prefix, e.g. orthoscan-prod (the DB instance identifier)."
}

variable "environment" {
  type        = string
  description = "Environment name; used in secret names (orthoscan/<env>/...)."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the database security group."
}

variable "data_subnet_ids" {
  type        = list(string)
  description = "Private data subnets (at least two AZs) for the DB subnet group."
}

variable "task_security_group_id" {
  type        = string
  description = "Security group of the ECS tasks: the only source allowed on 5432."
}

variable "data_kms_key_arn" {
  type        = string
  description = "KMS key for storage, Performance Insights and the connection-string secrets."
}

variable "logs_kms_key_arn" {
  type        = string
  description = "KMS key for the exported PostgreSQL log group."
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL engine version (major 16)."
  default     = "16.6"

  validation {
    condition     = can(regex("^16\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL 16 minor version such as 16.6 (the parameter group family is postgres16)."
  }
}

variable "instance_class" {
  type        = string
  description = "RDS instance class, e.g. db.t3.medium."
}

variable "multi_az" {
  type        = bool
  description = "Synchronous standby in a second AZ."
}

variable "allocated_storage" {
  type        = number
  description = "Initial gp3 storage in GB."

  validation {
    condition     = var.allocated_storage >= 20
    error_message = "allocated_storage must be at least 20 GB."
  }
}

variable "max_allocated_storage" {
  type        = number
  description = "Storage autoscaling ceiling in GB (must exceed allocated_storage)."

  validation {
    condition     = var.max_allocated_storage > var.allocated_storage
    error_message = "max_allocated_storage must be greater than allocated_storage."
  }
}

variable "backup_retention_period" {
  type        = number
  description = "Days of automated backups / point-in-time recovery."

  validation {
    condition     = var.backup_retention_period >= 7 && var.backup_retention_period <= 35
    error_message = "backup_retention_period must be between 7 and 35 days."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the instance; when on, destroying also takes a final snapshot."
}

variable "performance_insights_enabled" {
  type        = bool
  description = "Enable Performance Insights (encrypted with the data key; 7 days retention is free)."
  default     = true
}

variable "log_min_duration_statement_ms" {
  type        = number
  description = "Log statements slower than this many milliseconds (parameters are not logged)."
  default     = 500
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the exported PostgreSQL log group."
  default     = 90
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted secret can be restored (0 deletes immediately; dev only)."
  default     = 30
}
