variable "name" {
  type        = string
  description = "Name prefix for every resource, e.g. orthoscan-prod."
}

variable "environment" {
  type        = string
  description = "Environment name (dev, staging, prod); used in log group names."
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR block of the VPC; split into /20 public, private app and private data subnets."
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 18
    error_message = "vpc_cidr must be a valid IPv4 CIDR of /18 or larger (nine /20 subnets are carved out of it)."
  }
}

variable "az_count" {
  type        = number
  description = "Number of availability zones to spread subnets over (RDS Multi-AZ and ElastiCache failover need at least two)."
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "nat_gateway_per_az" {
  type        = bool
  description = "One NAT gateway per AZ (prod: an AZ outage does not cut egress of the other AZs) or a single shared one (cheaper)."
  default     = true
}

variable "logs_kms_key_arn" {
  type        = string
  description = "KMS key ARN encrypting the VPC flow log group."
}

variable "flow_log_retention_days" {
  type        = number
  description = "Retention of the VPC flow log group in days."
  default     = 90
}
