# One OrthoScan environment: every module wired together. Environments (../environments/*) differ only in sizes.

locals {
  name = "orthoscan-${var.environment}"
}

module "kms" {
  source = "../modules/kms"

  name = local.name
}

module "network" {
  source = "../modules/network"

  name                    = local.name
  environment             = var.environment
  vpc_cidr                = var.vpc_cidr
  az_count                = var.az_count
  nat_gateway_per_az      = var.nat_gateway_per_az
  logs_kms_key_arn        = module.kms.logs_key_arn
  flow_log_retention_days = var.log_retention_days
}

module "storage" {
  source = "../modules/storage"

  name                 = local.name
  data_kms_key_arn     = module.kms.data_key_arn
  audit_kms_key_arn    = module.kms.audit_key_arn
  cors_allowed_origins = ["https://${var.domain_name}"]
  force_destroy        = var.force_destroy_buckets
}

module "edge" {
  source = "../modules/edge"

  name               = local.name
  aliases            = [var.domain_name]
  certificate_arn    = var.cloudfront_certificate_arn
  origin_domain_name = var.origin_domain_name
  web_acl_arn        = var.waf_web_acl_arn
}

# GitHub Actions' identity provider: the deploy workflow assumes the service module's deploy role through it, with no
# long-lived AWS keys in GitHub.
resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_github_oidc_provider ? 1 : 0
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 0 : 1
  url   = "https://token.actions.githubusercontent.com"
}

module "service" {
  source = "../modules/service"

  github_repository        = var.github_repository
  github_oidc_provider_arn = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  name              = local.name
  environment       = var.environment
  region            = var.region
  vpc_id            = module.network.vpc_id
  vpc_cidr          = module.network.vpc_cidr
  public_subnet_ids = module.network.public_subnet_ids
  app_subnet_ids    = module.network.app_subnet_ids

  data_kms_key_arn  = module.kms.data_key_arn
  logs_kms_key_arn  = module.kms.logs_key_arn
  audit_kms_key_arn = module.kms.audit_key_arn

  images_bucket            = module.storage.images_bucket
  images_bucket_arn        = module.storage.images_bucket_arn
  images_bucket_origin     = module.storage.images_bucket_origin
  audit_archive_bucket     = module.storage.audit_archive_bucket
  audit_archive_bucket_arn = module.storage.audit_archive_bucket_arn
  alb_logs_bucket          = module.storage.alb_logs_bucket

  alb_certificate_arn        = var.alb_certificate_arn
  alb_deletion_protection    = var.alb_deletion_protection
  origin_verify_header_name  = module.edge.origin_verify_header_name
  origin_verify_header_value = module.edge.origin_verify_header_value
  app_origin                 = module.edge.app_origin

  image_tag               = var.image_tag
  api_cpu                 = var.api_cpu
  api_memory              = var.api_memory
  api_desired_count       = var.api_desired_count
  api_min_count           = var.api_min_count
  api_max_count           = var.api_max_count
  worker_cpu              = var.worker_cpu
  worker_memory           = var.worker_memory
  worker_min_count        = var.worker_min_count
  worker_max_count        = var.worker_max_count
  worker_use_fargate_spot = var.worker_use_fargate_spot

  app_connection_secret_arn    = module.database.app_connection_secret_arn
  owner_connection_secret_arn  = module.database.owner_connection_secret_arn
  app_role_password_secret_arn = module.database.app_role_password_secret_arn
  redis_connection_secret_arn  = module.cache.connection_secret_arn

  log_retention_days          = var.log_retention_days
  secret_recovery_window_days = var.secret_recovery_window_days
}

module "database" {
  source = "../modules/database"

  name                   = local.name
  environment            = var.environment
  vpc_id                 = module.network.vpc_id
  data_subnet_ids        = module.network.data_subnet_ids
  task_security_group_id = module.service.task_security_group_id
  data_kms_key_arn       = module.kms.data_key_arn
  logs_kms_key_arn       = module.kms.logs_key_arn

  engine_version               = var.db_engine_version
  instance_class               = var.db_instance_class
  multi_az                     = var.db_multi_az
  allocated_storage            = var.db_allocated_storage
  max_allocated_storage        = var.db_max_allocated_storage
  backup_retention_period      = var.db_backup_retention_days
  deletion_protection          = var.db_deletion_protection
  performance_insights_enabled = var.db_performance_insights_enabled
  log_retention_days           = var.log_retention_days
  secret_recovery_window_days  = var.secret_recovery_window_days
}

module "cache" {
  source = "../modules/cache"

  name                   = local.name
  environment            = var.environment
  vpc_id                 = module.network.vpc_id
  data_subnet_ids        = module.network.data_subnet_ids
  task_security_group_id = module.service.task_security_group_id
  data_kms_key_arn       = module.kms.data_key_arn

  node_type                   = var.cache_node_type
  num_cache_clusters          = var.cache_num_nodes
  automatic_failover_enabled  = var.cache_multi_az
  multi_az_enabled            = var.cache_multi_az
  snapshot_retention_limit    = var.cache_snapshot_retention_days
  secret_recovery_window_days = var.secret_recovery_window_days
}

module "observability" {
  source = "../modules/observability"

  name                       = local.name
  environment                = var.environment
  logs_kms_key_arn           = module.kms.logs_key_arn
  alarm_email                = var.alarm_email
  alb_arn_suffix             = module.service.alb_arn_suffix
  target_group_arn_suffix    = module.service.target_group_arn_suffix
  worker_otel_service_name   = module.service.worker_otel_service_name
  db_instance_identifier     = module.database.instance_identifier
  cache_replication_group_id = module.cache.replication_group_id
  cache_node_count           = var.cache_num_nodes
  cluster_name               = module.service.cluster_name
  ecs_service_names = {
    api    = module.service.api_service_name
    worker = module.service.worker_service_name
  }
}
