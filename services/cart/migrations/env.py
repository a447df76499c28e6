from cart.adapters.orm import metadata
from clinic_shared.migrations import run_env

run_env(metadata)
