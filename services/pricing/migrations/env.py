from clinic_shared.migrations import run_env
from pricing.adapters.orm import metadata

run_env(metadata)
