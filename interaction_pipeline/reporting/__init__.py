"""Charts and the static HTML report, drawn from the warehouse marts, for the Dagster UI and the CLI."""
