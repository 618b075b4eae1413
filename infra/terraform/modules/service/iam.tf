data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Execution roles (used by ECS to start the containers): pull the image, write the log group, read exactly the listed
# secrets. The migrate task has its own role, so the api/worker role never reads the owner's connection string.
# ---------------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ecr_pull" {
  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # GetAuthorizationToken has no resource-level permissions
  }

  statement {
    sid = "EcrPull"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [aws_ecr_repository.this.arn]
  }

  statement {
    sid       = "DecryptSecretsAndImage"
    actions   = ["kms:Decrypt"]
    resources = [var.data_kms_key_arn]
  }
}

data "aws_iam_policy_document" "execution" {
  source_policy_documents = [data.aws_iam_policy_document.ecr_pull.json]

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.service["api"].arn}:*", "${aws_cloudwatch_log_group.service["worker"].arn}:*"]
  }

  statement {
    sid       = "ReadAppSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(local.app_secrets)
  }

  statement {
    sid       = "ReadCollectorConfig"
    actions   = ["ssm:GetParameters"]
    resources = [aws_ssm_parameter.collector_config.arn]
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-api-and-worker"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

data "aws_iam_policy_document" "migrate_execution" {
  source_policy_documents = [data.aws_iam_policy_document.ecr_pull.json]

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.service["migrate"].arn}:*"]
  }

  statement {
    sid       = "ReadMigrationSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(local.migrate_secrets)
  }
}

resource "aws_iam_role" "migrate_execution" {
  name               = "${var.name}-migrate-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "migrate_execution" {
  name   = "start-migrate"
  role   = aws_iam_role.migrate_execution.id
  policy = data.aws_iam_policy_document.migrate_execution.json
}

# ---------------------------------------------------------------------------------------------------------------------
# Task role of the api and worker (the application's own AWS calls, and the collector sidecar's).
# ---------------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "task" {
  statement {
    sid     = "ScanObjects"
    actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [
      "${var.images_bucket_arn}/practices/*",
      "${var.images_bucket_arn}/raw/*",
      "${var.images_bucket_arn}/exports/*",
    ]
  }

  statement {
    sid       = "ListScans"
    actions   = ["s3:ListBucket"]
    resources = [var.images_bucket_arn]
  }

  # SSE-KMS on the bucket and the app's envelope encryption (per-patient data keys wrapped by this key).
  statement {
    sid       = "DataKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.data_kms_key_arn]
  }

  statement {
    sid       = "AuditArchiveWrite"
    actions   = ["s3:PutObject", "s3:PutObjectRetention"]
    resources = ["${var.audit_archive_bucket_arn}/*"]
  }

  # Writing to the archive's SSE-KMS bucket needs a data key from the audit key; reading it back does not.
  statement {
    sid       = "AuditKeyEncryptOnly"
    actions   = ["kms:GenerateDataKey"]
    resources = [var.audit_kms_key_arn]
  }

  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource-level permissions; the namespace condition scopes it
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["OrthoScan"]
    }
  }

  statement {
    sid = "EmfAndAuditLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    resources = [
      aws_cloudwatch_log_group.metrics.arn,
      "${aws_cloudwatch_log_group.metrics.arn}:*",
      aws_cloudwatch_log_group.audit.arn,
      "${aws_cloudwatch_log_group.audit.arn}:*",
    ]
  }

  statement {
    sid = "Traces"
    actions = [
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]
    resources = ["*"] # X-Ray's write actions have no resource-level permissions
  }
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "task" {
  name   = "orthoscan-app"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
