"""Shared argument checks and the error-message template, used by every layer."""
