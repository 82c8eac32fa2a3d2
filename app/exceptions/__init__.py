"""Fair completion: exceptions granted by staff, accommodations, and deferral to a later cohort."""
