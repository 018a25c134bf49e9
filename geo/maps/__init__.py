"""Mentions to maps: map data, the folium time layer, rendering, pictures, basemap, static assets."""
