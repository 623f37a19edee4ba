"""kg: knowledge graphs from Chinese organisational news."""

from kg.extract import extract, extract_article
from kg.model import Article, ArticleGraph, Entity, Evidence, Post, Relation

__all__ = ["Article", "ArticleGraph", "Entity", "Evidence", "Post", "Relation", "extract", "extract_article"]
