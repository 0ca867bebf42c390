from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "dangjian.contacts"
    label = "contacts"
    verbose_name = "联系点"
