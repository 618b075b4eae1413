output "data_key_arn" {
  description = "ARN of the data key (RDS, S3 images, Redis, Secrets Manager, ECR)."
  value       = aws_kms_key.data.arn
}

output "data_key_id" {
  description = "Key ID of the data key (S3's x-amz-server-side-encryption-aws-kms-key-id is compared with the ARN)."
  value       = aws_kms_key.data.key_id
}

output "logs_key_arn" {
  description = "ARN of the CloudWatch Logs / SNS key."
  value       = aws_kms_key.logs.arn
}

output "audit_key_arn" {
  description = "ARN of the audit archive key."
  value       = aws_kms_key.audit.arn
}
