from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dangjian.web"
    label = "web"
    verbose_name = "网页"
