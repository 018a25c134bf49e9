"""From article to mentions: reading, sentences and dates, recognition, resolution, rules, roles."""
