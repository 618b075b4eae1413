output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (ALB, NAT gateways)."
  value       = aws_subnet.public[*].id
}

output "app_subnet_ids" {
  description = "Private app subnets (ECS tasks)."
  value       = aws_subnet.app[*].id
}

output "data_subnet_ids" {
  description = "Private data subnets without internet route (RDS, ElastiCache)."
  value       = aws_subnet.data[*].id
}

output "nat_public_ips" {
  description = "Egress IPs of the NAT gateways (for third parties that allow-list callers)."
  value       = aws_eip.nat[*].public_ip
}
