from celery import shared_task

from program.services.invitations import invitation_import_run


@shared_task(name="program.run_invitation_import")
def run_invitation_import(import_id: int) -> None:
    invitation_import_run(import_id=import_id)
