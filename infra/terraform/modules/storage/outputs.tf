output "images_bucket" {
  description = "Name of the scan images bucket."
  value       = aws_s3_bucket.images.bucket
}

output "images_bucket_arn" {
  description = "ARN of the scan images bucket."
  value       = aws_s3_bucket.images.arn
}

output "images_bucket_origin" {
  description = "Regional https origin of the images bucket (presigned URLs point here; the API's CSP allows it)."
  value       = "https://${aws_s3_bucket.images.bucket}.s3.${data.aws_region.current.region}.amazonaws.com"
}

output "audit_archive_bucket" {
  description = "Name of the Object Lock audit archive bucket."
  value       = aws_s3_bucket.audit_archive.bucket
}

output "audit_archive_bucket_arn" {
  description = "ARN of the audit archive bucket."
  value       = aws_s3_bucket.audit_archive.arn
}

output "alb_logs_bucket" {
  description = "Name of the ALB access log bucket."
  # Through the policy, so the ALB is created only once ELB may write to the bucket.
  value = aws_s3_bucket_policy.alb_logs.bucket
}
