"""People: forgetting one person everywhere the product keeps them (`interaction-pipeline people forget`)."""
