from clinic_shared.migrations import run_env
from content.adapters.orm import metadata

run_env(metadata)
