from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "dangjian.problems"
    label = "problems"
    verbose_name = "民生问题"
