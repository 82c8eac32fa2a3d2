"""The team's performance harness: data generator, in-process and HTTP runners (see bench/README.md)."""
