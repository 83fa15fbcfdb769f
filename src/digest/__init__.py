"""digest: turn learning-community group chats into a curated, searchable knowledge base."""

__version__ = "0.1.0"
