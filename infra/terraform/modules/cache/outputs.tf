output "replication_group_id" {
  description = "ID of the replication group."
  value       = aws_elasticache_replication_group.this.id
}

output "member_clusters_count" {
  description = "Number of nodes (CloudWatch CacheClusterId dimensions are <replication_group_id>-001, -002, ...)."
  value       = var.num_cache_clusters
}

output "primary_endpoint_address" {
  description = "Primary endpoint host name."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.cache.id
}

output "connection_secret_arn" {
  description = "Secret ConnectionStrings__Redis."
  value       = aws_secretsmanager_secret.connection.arn
}
