"""Salesforce stand-in: the OAuth token endpoint and SOQL over accounts, contacts, leads and opportunities."""
