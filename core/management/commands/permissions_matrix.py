from typing import Any

from django.core.management.base import BaseCommand

from core.permissions import matrix_markdown


class Command(BaseCommand):
    help = "Print the roles-and-permissions matrix as Markdown (paste it into docs/access.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(matrix_markdown())
