output "endpoint" {
  description = "host:port of the PostgreSQL instance."
  value       = aws_db_instance.this.endpoint
}

output "address" {
  description = "Host name of the PostgreSQL instance."
  value       = aws_db_instance.this.address
}

output "instance_identifier" {
  description = "RDS instance identifier (CloudWatch dimension DBInstanceIdentifier)."
  value       = aws_db_instance.this.identifier
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.db.id
}

output "owner_connection_secret_arn" {
  description = "Secret ConnectionStrings__Owner (migrate task only)."
  value       = aws_secretsmanager_secret.owner_connection.arn
}

output "app_connection_secret_arn" {
  description = "Secret ConnectionStrings__App (API and worker)."
  value       = aws_secretsmanager_secret.app_connection.arn
}

output "app_role_password_secret_arn" {
  description = "Secret OrthoScan__Database__AppRolePassword (migrate task only)."
  value       = aws_secretsmanager_secret.app_role_password.arn
}
