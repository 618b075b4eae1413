variable "name" {
  type        = string
  description = "Name prefix, e.g. orthoscan-prod."
}

variable "aliases" {
  type        = list(string)
  description = "Public host names of the distribution, e.g. [\"app.orthoscan.eu\"]."

  validation {
    condition     = length(var.aliases) > 0
    error_message = "At least one alias is needed: the viewer certificate is an ACM certificate, not the CloudFront default."
  }
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate in us-east-1 covering the aliases."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:us-east-1:", var.certificate_arn))
    error_message = "CloudFront certificates must be ACM certificates in us-east-1."
  }
}

variable "origin_domain_name" {
  type        = string
  description = "Host name of the ALB origin (a DNS alias to the ALB covered by the ALB's certificate, e.g. origin.orthoscan.eu)."
}

variable "origin_verify_header_name" {
  type        = string
  description = "Custom header CloudFront adds to every origin request."
  default     = "X-Origin-Verify"
}

variable "web_acl_arn" {
  type        = string
  description = "Optional WAFv2 web ACL (scope CLOUDFRONT) ARN."
  default     = null
}

variable "price_class" {
  type        = string
  description = "CloudFront price class (PriceClass_100: Europe and North America edges)."
  default     = "PriceClass_100"
}
