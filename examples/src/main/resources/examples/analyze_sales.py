import pandas as pd
import matplotlib.pyplot as plt

df = pd.read_csv('/workspace/data.csv')
by_region = df.groupby('region')['revenue'].sum().sort_values(ascending=False)
print(f"Rows: {len(df)}")
print(f"Top region: {by_region.index[0]} with revenue {by_region.iloc[0]}")
print(by_region.to_string())

monthly = df.pivot(index='month', columns='region', values='revenue')
ax = monthly.plot(kind='bar', title='Revenue by month and region')
ax.set_xlabel('month')
ax.set_ylabel('revenue')
plt.tight_layout()
plt.savefig('/workspace/chart.png')
plt.show()
