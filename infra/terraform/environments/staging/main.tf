# OrthoScan staging. Sizes are literal here so that a review of this file shows what staging costs (docs/cost.md).
#
# Backend: the bucket and region below are placeholders; pass the real ones at init, e.g.
#   terraform init -backend-config="bucket=<account>-orthoscan-tfstate" -backend-config="region=eu-west-1"
# The state holds generated database and Redis passwords: its bucket is versioned, SSE-KMS, and readable by the deploy
# role and operators only.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  backend "s3" {
    bucket       = "REPLACE-ME-orthoscan-tfstate"
    key          = "orthoscan/staging/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
    encrypt      = true
  }
}

variable "region" {
  type        = string
  description = "AWS region (EU for GDPR data residency)."
  default     = "eu-west-1"
}

variable "owner" {
  type        = string
  description = "Owner tag (team or person accountable for the resources)."
  default     = "platform"
}

variable "image_tag" {
  type        = string
  description = "Image tag of the first task definitions (a release tag, e.g. v0.1.0). Later releases are rolled by the deploy workflow, which registers its own revisions; the services ignore this after creation."
}

variable "github_repository" {
  type        = string
  description = "owner/name of the GitHub repository that deploys here (its deploy workflow assumes the deploy role)."
}

variable "create_github_oidc_provider" {
  type        = bool
  description = "Create the account's GitHub OIDC provider (false when another environment in the same account already did)."
  default     = true
}

variable "domain_name" {
  type        = string
  description = "Public host name (CloudFront alias)."
}

variable "origin_domain_name" {
  type        = string
  description = "ALB origin host name (DNS alias to the ALB)."
}

variable "alb_certificate_arn" {
  type        = string
  description = "ACM certificate for origin_domain_name in var.region."
}

variable "cloudfront_certificate_arn" {
  type        = string
  description = "ACM certificate for domain_name in us-east-1."
}

variable "waf_web_acl_arn" {
  type        = string
  description = "Optional WAFv2 web ACL (CLOUDFRONT scope)."
  default     = null
}

variable "alarm_email" {
  type        = string
  description = "Optional e-mail subscribed to alarms."
  default     = null
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Environment        = "staging"
      Project            = "orthoscan"
      Owner              = var.owner
      DataClassification = "phi"
    }
  }
}

module "orthoscan" {
  source = "../../stack"

  environment = "staging"
  region      = var.region

  domain_name                 = var.domain_name
  origin_domain_name          = var.origin_domain_name
  alb_certificate_arn         = var.alb_certificate_arn
  cloudfront_certificate_arn  = var.cloudfront_certificate_arn
  waf_web_acl_arn             = var.waf_web_acl_arn
  alarm_email                 = var.alarm_email
  image_tag                   = var.image_tag
  github_repository           = var.github_repository
  create_github_oidc_provider = var.create_github_oidc_provider

  # Network: one shared NAT gateway (an AZ outage may cut egress; acceptable outside prod).
  vpc_cidr           = "10.41.0.0/16"
  nat_gateway_per_az = false

  # Same shape as prod, smaller: API 1-2 tasks, worker 1-2 on Fargate Spot.
  api_cpu                 = 512
  api_memory              = 1024
  api_desired_count       = 1
  api_min_count           = 1
  api_max_count           = 2
  worker_cpu              = 512
  worker_memory           = 1024
  worker_min_count        = 1
  worker_max_count        = 2
  worker_use_fargate_spot = true
  alb_deletion_protection = true

  # PostgreSQL 16: db.t3.small Multi-AZ (failover is rehearsed here), 50 GB, 14 days of PITR.
  db_engine_version               = "16.6"
  db_instance_class               = "db.t3.small"
  db_multi_az                     = true
  db_allocated_storage            = 50
  db_max_allocated_storage        = 200
  db_backup_retention_days        = 14
  db_deletion_protection          = true
  db_performance_insights_enabled = true

  cache_node_type               = "cache.t3.micro"
  cache_num_nodes               = 2
  cache_multi_az                = true
  cache_snapshot_retention_days = 1

  log_retention_days          = 30
  secret_recovery_window_days = 7
  force_destroy_buckets       = false
}

output "ecr_repository_url" {
  description = "ECR repository for the API image."
  value       = module.orthoscan.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.orthoscan.cluster_name
}

output "api_service_name" {
  description = "ECS service of the API."
  value       = module.orthoscan.api_service_name
}

output "worker_service_name" {
  description = "ECS service of the worker."
  value       = module.orthoscan.worker_service_name
}

output "migrate_task_definition_arn" {
  description = "One-off migration task definition."
  value       = module.orthoscan.migrate_task_definition_arn
}

output "private_subnet_ids" {
  description = "Private app subnets (migrate task network configuration)."
  value       = module.orthoscan.private_subnet_ids
}

output "task_security_group_id" {
  description = "Task security group (migrate task network configuration)."
  value       = module.orthoscan.task_security_group_id
}

output "cloudfront_domain_name" {
  description = "CloudFront domain name."
  value       = module.orthoscan.cloudfront_domain_name
}

output "alb_dns_name" {
  description = "ALB DNS name (target of origin_domain_name)."
  value       = module.orthoscan.alb_dns_name
}

output "images_bucket" {
  description = "Scan images bucket."
  value       = module.orthoscan.images_bucket
}

output "audit_archive_bucket" {
  description = "Audit archive bucket."
  value       = module.orthoscan.audit_archive_bucket
}

output "db_endpoint" {
  description = "PostgreSQL endpoint."
  value       = module.orthoscan.db_endpoint
}

output "alarm_topic_arn" {
  description = "Alarm topic."
  value       = module.orthoscan.alarm_topic_arn
}

output "operator_secret_names" {
  description = "Secrets to fill before the first deploy."
  value       = module.orthoscan.operator_secret_names
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes: set it as the GitHub environment variable AWS_DEPLOY_ROLE_ARN."
  value       = module.orthoscan.deploy_role_arn
}
