from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "kefu.knowledge"
    verbose_name = "知识库与培训 Knowledge and training"
