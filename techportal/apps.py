from django.apps import AppConfig


class TechportalConfig(AppConfig):
    name = "techportal"
    verbose_name = "Techportal"
