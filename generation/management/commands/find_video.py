from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from generation.provenance import job_for_file
from generation.services import prompt_hash


class Command(BaseCommand):
    help = "Given an MP4, find the generation job that made it (from its provenance metadata)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"{file} does not exist.")
        tag, job = job_for_file(file)
        if tag is None:
            raise CommandError(f"{file} carries no Atelier provenance metadata.")
        self.stdout.write(
            f"Tag: job {tag['atelier_job']}, model {tag.get('model')}, seed {tag.get('seed')}"
        )
        if job is None:
            raise CommandError(f"No job {tag['atelier_job']} in this database.")
        matches = prompt_hash(job.prompt) == tag.get("prompt_sha256")
        self.stdout.write(
            f"Job {job.public_id}: {job.status}, created {job.created_at:%Y-%m-%d %H:%M} UTC\n"
            f"Artist: {job.tester.display_name} <{job.tester.user.email}> (tester {job.tester_id})\n"
            f"Model {job.model}, seed {job.seed}, {job.size}, {job.num_frames} frames\n"
            f"Prompt hash {'matches' if matches else 'DOES NOT match'} the job's prompt."
        )
