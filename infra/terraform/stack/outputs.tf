output "ecr_repository_url" {
  description = "ECR repository for the API image."
  value       = module.service.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.service.cluster_name
}

output "api_service_name" {
  description = "ECS service of the API."
  value       = module.service.api_service_name
}

output "worker_service_name" {
  description = "ECS service of the worker."
  value       = module.service.worker_service_name
}

output "migrate_task_definition_arn" {
  description = "One-off migration task definition."
  value       = module.service.migrate_task_definition_arn
}

output "private_subnet_ids" {
  description = "Private app subnets (network configuration of the migrate task)."
  value       = module.network.app_subnet_ids
}

output "task_security_group_id" {
  description = "Security group of the tasks (network configuration of the migrate task)."
  value       = module.service.task_security_group_id
}

output "cloudfront_domain_name" {
  description = "CloudFront domain; point domain_name at it."
  value       = module.edge.domain_name
}

output "alb_dns_name" {
  description = "ALB DNS name; point origin_domain_name at it."
  value       = module.service.alb_dns_name
}

output "images_bucket" {
  description = "Scan images bucket."
  value       = module.storage.images_bucket
}

output "audit_archive_bucket" {
  description = "Object Lock audit archive bucket."
  value       = module.storage.audit_archive_bucket
}

output "db_endpoint" {
  description = "PostgreSQL endpoint (host:port)."
  value       = module.database.endpoint
}

output "alarm_topic_arn" {
  description = "SNS topic of all alarms."
  value       = module.observability.alarm_topic_arn
}

output "operator_secret_names" {
  description = "Secrets to fill before the first deploy."
  value       = module.service.operator_secret_names
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes (GitHub environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = module.service.deploy_role_arn
}
