"""Meta stand-in: Custom Audiences and their users endpoint."""
