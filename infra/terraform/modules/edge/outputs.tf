output "domain_name" {
  description = "CloudFront domain name (*.cloudfront.net); the aliases point here."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_id" {
  description = "Distribution ID (cache invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "app_origin" {
  description = "Public https origin of the dashboard and patient app (the first alias)."
  value       = "https://${var.aliases[0]}"
}

output "origin_verify_header_name" {
  description = "Name of the origin header."
  value       = var.origin_verify_header_name
}

output "origin_verify_header_value" {
  description = "Secret value of the origin header (the ALB listener rule matches it)."
  value       = random_password.origin_verify.result
  sensitive   = true
}
