"""Operations: Prometheus metrics, the access log and the webhook-status hook."""
