output "ecr_repository_url" {
  description = "ECR repository the deploy workflow pushes the API image to."
  value       = aws_ecr_repository.this.repository_url
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "api_service_name" {
  description = "ECS service running `--role api` behind the ALB."
  value       = aws_ecs_service.api.name
}

output "worker_service_name" {
  description = "ECS service running `--role worker`."
  value       = aws_ecs_service.worker.name
}

output "migrate_task_definition_arn" {
  description = "Task definition the deploy workflow runs once (command `migrate`) before rolling the services."
  value       = aws_ecs_task_definition.migrate.arn
}

output "task_security_group_id" {
  description = "Security group of the tasks (also for the one-off migrate task)."
  value       = aws_security_group.task.id
}

output "alb_dns_name" {
  description = "DNS name of the ALB; origin_domain_name must be a CNAME/alias to it."
  value       = aws_lb.this.dns_name
}

output "alb_arn_suffix" {
  description = "ALB ARN suffix (CloudWatch dimension LoadBalancer)."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn_suffix" {
  description = "API target group ARN suffix (CloudWatch dimension TargetGroup)."
  value       = aws_lb_target_group.api.arn_suffix
}

output "api_otel_service_name" {
  description = "OTEL_SERVICE_NAME of the API (metric dimension Service)."
  value       = local.api_service_name
}

output "worker_otel_service_name" {
  description = "OTEL_SERVICE_NAME of the worker (metric dimension Service)."
  value       = local.worker_service_name
}

output "operator_secret_names" {
  description = "Secrets an operator must fill before the first deploy."
  value       = sort([for s in aws_secretsmanager_secret.operator : s.name])
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes (GitHub environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = aws_iam_role.deploy.arn
}
