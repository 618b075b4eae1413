locals {
  database = "orthoscan"
  owner    = "orthoscan_owner"
  app_role = "orthoscan_app"
  # Npgsql connection strings. VerifyFull needs the RDS CA bundle in the image's trust store.
  connection_base = "Host=${aws_db_instance.this.address};Port=${aws_db_instance.this.port};Database=${local.database}"
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.data_subnet_ids
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "PostgreSQL: 5432 from ECS tasks only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_tasks" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from ECS tasks"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.task_security_group_id
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-postgres16"
  family = "postgres16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = tostring(var.log_min_duration_statement_ms)
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# RDS would create this group itself, without encryption or retention.
resource "aws_cloudwatch_log_group" "postgresql" {
  name              = "/aws/rds/instance/${var.name}/postgresql"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# The passwords end up in the Terraform state: the state bucket is encrypted and access to it is restricted like PHI.
resource "random_password" "owner" {
  length  = 40
  special = false
}

resource "random_password" "app" {
  length  = 40
  special = false
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name  = local.database
  username = local.owner
  password = random_password.owner.result
  port     = 5432

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.data_kms_key_arn

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  iam_database_authentication_enabled = true

  backup_retention_period   = var.backup_retention_period
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.deletion_protection
  final_snapshot_identifier = "${var.name}-final"

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.data_kms_key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? 7 : null
  enabled_cloudwatch_logs_exports       = ["postgresql"]

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  depends_on = [aws_cloudwatch_log_group.postgresql]
}

# ---------------------------------------------------------------------------------------------------------------------
# Secrets: whole connection strings, so the containers get them as ConnectionStrings__* without assembling anything.
# The migration connects as the owner and creates/updates the orthoscan_app login role with AppRolePassword.
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "owner_connection" {
  name                    = "orthoscan/${var.environment}/ConnectionStrings__Owner"
  description             = "Npgsql connection string of the migration owner (orthoscan_owner); migrate task only."
  kms_key_id              = var.data_kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "owner_connection" {
  secret_id     = aws_secretsmanager_secret.owner_connection.id
  secret_string = "${local.connection_base};Username=${local.owner};Password=${random_password.owner.result};SSL Mode=VerifyFull;Root Certificate=/usr/local/share/orthoscan/rds-global-bundle.pem"
}

resource "aws_secretsmanager_secret" "app_connection" {
  name                    = "orthoscan/${var.environment}/ConnectionStrings__App"
  description             = "Npgsql connection string of the application role (orthoscan_app, row-level security applies)."
  kms_key_id              = var.data_kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "app_connection" {
  secret_id     = aws_secretsmanager_secret.app_connection.id
  secret_string = "${local.connection_base};Username=${local.app_role};Password=${random_password.app.result};SSL Mode=VerifyFull;Root Certificate=/usr/local/share/orthoscan/rds-global-bundle.pem"
}

resource "aws_secretsmanager_secret" "app_role_password" {
  name                    = "orthoscan/${var.environment}/OrthoScan__Database__AppRolePassword"
  description             = "Password the migration sets on the orthoscan_app login role."
  kms_key_id              = var.data_kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "app_role_password" {
  secret_id     = aws_secretsmanager_secret.app_role_password.id
  secret_string = random_password.app.result
}
