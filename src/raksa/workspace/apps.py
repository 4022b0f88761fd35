from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "raksa.workspace"
    label = "workspace"
    verbose_name = "Workspace"
