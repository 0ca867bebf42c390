from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dangjian.people"
    label = "people"
    verbose_name = "人员与任职"
