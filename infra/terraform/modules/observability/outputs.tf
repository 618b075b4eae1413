output "alarm_topic_arn" {
  description = "SNS topic receiving every alarm (subscribe e-mail, chat or paging)."
  value       = aws_sns_topic.alarms.arn
}
