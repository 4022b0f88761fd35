from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "raksa.directory"
    label = "directory"
    verbose_name = "Directory"
