variable "name" {
  type        = string
  description = "Name prefix for buckets, e.g. orthoscan-prod (the account ID is appended for global uniqueness)."
}

variable "data_kms_key_arn" {
  type        = string
  description = "KMS key ARN for the images bucket (SSE-KMS default and the only key accepted on PutObject)."
}

variable "audit_kms_key_arn" {
  type        = string
  description = "KMS key ARN for the audit archive bucket."
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Origins (dashboard, patient app) allowed to PUT/GET scan images directly with presigned URLs."

  validation {
    condition     = length(var.cors_allowed_origins) > 0 && alltrue([for o in var.cors_allowed_origins : startswith(o, "https://")])
    error_message = "cors_allowed_origins must be a non-empty list of https:// origins."
  }
}

variable "audit_retention_days" {
  type        = number
  description = "Object Lock COMPLIANCE retention of audit archive objects (HIPAA documentation retention: six years)."
  default     = 2192

  validation {
    condition     = var.audit_retention_days >= 2192
    error_message = "audit_retention_days must be at least 2192 (six years)."
  }
}

variable "noncurrent_version_days" {
  type        = number
  description = "Days a replaced or deleted scan image version is kept (outside raw/) before it expires."
  default     = 30
}

variable "alb_log_retention_days" {
  type        = number
  description = "Days ALB access logs (client IPs, paths) are kept."
  default     = 90
}

variable "force_destroy" {
  type        = bool
  description = "Allow destroying non-empty images and log buckets (dev only; never for data that matters)."
  default     = false
}
