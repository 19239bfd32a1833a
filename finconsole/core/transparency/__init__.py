"""What the shop tells: disclosures, authority inquiries, tasks, processors and the register
description."""
