variable "name" {
  type        = string
  description = "Name prefix, e.g. orthoscan-prod (the replication group ID)."
}

variable "environment" {
  type        = string
  description = "Environment name; used in the secret name."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the cache security group."
}

variable "data_subnet_ids" {
  type        = list(string)
  description = "Private data subnets for the cache subnet group."
}

variable "task_security_group_id" {
  type        = string
  description = "Security group of the ECS tasks: the only source allowed on 6379."
}

variable "data_kms_key_arn" {
  type        = string
  description = "KMS key for at-rest encryption and the connection-string secret."
}

variable "engine_version" {
  type        = string
  description = "Redis engine version (7.x)."
  default     = "7.1"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be a Redis 7 version such as 7.1."
  }
}

variable "node_type" {
  type        = string
  description = "ElastiCache node type, e.g. cache.t3.micro."
}

variable "num_cache_clusters" {
  type        = number
  description = "Number of nodes (primary + replicas)."

  validation {
    condition     = var.num_cache_clusters >= 1 && var.num_cache_clusters <= 6
    error_message = "num_cache_clusters must be between 1 and 6."
  }
}

variable "automatic_failover_enabled" {
  type        = bool
  description = "Promote a replica when the primary fails (needs at least two nodes)."

  validation {
    condition     = !var.automatic_failover_enabled || var.num_cache_clusters >= 2
    error_message = "automatic_failover_enabled needs num_cache_clusters >= 2."
  }
}

variable "multi_az_enabled" {
  type        = bool
  description = "Place the replica in another AZ (needs automatic failover)."

  validation {
    condition     = !var.multi_az_enabled || var.automatic_failover_enabled
    error_message = "multi_az_enabled needs automatic_failover_enabled."
  }
}

variable "snapshot_retention_limit" {
  type        = number
  description = "Days of daily snapshots (Redis holds lockouts and token revocations, not primary data)."
  default     = 1
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted secret can be restored (0 deletes immediately; dev only)."
  default     = 30
}
