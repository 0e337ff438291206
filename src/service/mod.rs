//! The streaming service: NATS JetStream in, article events out, Prometheus metrics.
